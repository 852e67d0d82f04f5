import { Steps } from 'antd';
import { useT } from '../i18n';

export type StepKey = 'input' | 'assets' | 'debate' | 'report';
export const STEP_ORDER: StepKey[] = ['input', 'assets', 'debate', 'report'];

/** The four steps of an investigation (seed 004): input, asset collection, debate, report. */
export function IncidentSteps({
  current,
  onChange,
  reachable,
}: {
  current: StepKey;
  onChange?: (step: StepKey) => void;
  reachable?: StepKey[];
}) {
  const t = useT();
  return (
    <Steps
      className="incident-steps"
      current={STEP_ORDER.indexOf(current)}
      onChange={onChange ? (i) => onChange(STEP_ORDER[i] ?? current) : undefined}
      data-testid="incident-steps"
      items={STEP_ORDER.map((step) => ({
        title: t(`step.${step}`),
        disabled: reachable ? !reachable.includes(step) : false,
      }))}
    />
  );
}
