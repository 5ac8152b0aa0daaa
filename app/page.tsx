import { redirect } from 'next/navigation';
import { getSession, isSignedIn } from '@/lib/server/session';

export default async function Home() {
  redirect(isSignedIn(await getSession()) ? '/services' : '/sign-in');
}
