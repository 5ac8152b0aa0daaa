// The synchronous replication switch, on the create form and in a service's
// settings: on only where the plan has at least 3 nodes (ANY 1 of two or more
// standbys); elsewhere shown off and disabled, saying why.
import type { FocusEventHandler, Ref } from 'react';
import { Switch } from '@/components/ui/switch';
import { allowsQuorum, QUORUM_EXPLAINED, QUORUM_MIN_NODES } from './plan-features';

interface Props {
  name: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  onBlur?: FocusEventHandler<HTMLInputElement>;
  /** For a form that focuses the switch when the API refuses it. */
  inputRef?: Ref<HTMLInputElement>;
  /** The chosen plan's nodes; undefined while unknown. */
  nodeCount: number | undefined;
  /** Disabled for another reason (the key's role). */
  disabled?: boolean;
}

export function SyncReplicationSwitch({ name, checked, onChange, onBlur, inputRef, nodeCount, disabled = false }: Props) {
  const allowed = allowsQuorum(nodeCount);
  return (
    <Switch
      ref={inputRef}
      name={name}
      label="Synchronous replication (quorum)"
      description={allowed ? QUORUM_EXPLAINED : `${QUORUM_EXPLAINED} Needs a plan with ${QUORUM_MIN_NODES} nodes or more.`}
      checked={allowed && checked}
      disabled={!allowed || disabled}
      onChange={(e) => onChange(e.target.checked)}
      onBlur={onBlur}
    />
  );
}
