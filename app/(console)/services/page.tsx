import { ServicesPageView } from '@/components/services/services-page-view';

export default function ServicesPage() {
  return <ServicesPageView />;
}
