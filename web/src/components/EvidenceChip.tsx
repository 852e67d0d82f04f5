import { FileSearchOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import { maybeTranslate, useT } from '../i18n';

const ROLE_COLOR: Record<string, string> = { cause: 'magenta', effect: 'orange', support: 'blue' };

/** A cited evidence id; clicking it opens the evidence. */
export function EvidenceChip({
  id,
  role,
  onOpen,
}: {
  id: string;
  role?: string;
  onOpen: (id: string) => void;
}) {
  const t = useT();
  return (
    <Tooltip title={t('evidence.open')}>
      <Tag
        className="evidence-chip"
        color={role ? (ROLE_COLOR[role] ?? 'default') : 'default'}
        icon={<FileSearchOutlined />}
        role="button"
        tabIndex={0}
        data-testid="citation"
        data-evidence-id={id}
        onClick={() => onOpen(id)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            onOpen(id);
          }
        }}
      >
        {role ? `${maybeTranslate(t, 'citeRole', role)}: ` : ''}
        {id}
      </Tag>
    </Tooltip>
  );
}
