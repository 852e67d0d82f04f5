import { ArrowRightOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import { Fragment } from 'react';

/** A failing trace path, callers first; the component the failure is deepest in stands out. */
export function TracePath({ path, failing }: { path: string[]; failing: string }) {
  return (
    <div className="trace-path" data-testid="trace-path">
      {path.map((service, i) => (
        <Fragment key={`${service}-${i}`}>
          {i > 0 && <ArrowRightOutlined className="trace-arrow" aria-hidden />}
          <Tag
            color={service === failing ? 'red' : 'default'}
            className={service === failing ? 'trace-failing' : undefined}
            data-testid={service === failing ? 'trace-failing' : 'trace-hop'}
          >
            {service}
          </Tag>
        </Fragment>
      ))}
    </div>
  );
}
