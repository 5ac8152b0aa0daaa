import { Input } from '@/components/ui/field';

/** The search over setting names. Enter does not submit the form it sits in. */
export function SettingsSearch({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  return (
    <div className="max-w-sm">
      <label htmlFor="settings-search" className="sr-only">
        Search settings by name
      </label>
      <Input
        id="settings-search"
        type="search"
        placeholder="Search settings by name…"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
        autoComplete="off"
        spellCheck={false}
      />
    </div>
  );
}
