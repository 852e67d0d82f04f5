import { KeyOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { exchangeKey } from '../api/client';
import { errorText } from '../components/States';
import { useT } from '../i18n';
import { LanguageSwitch } from '../layout/AppLayout';
import { useAuth } from '../state/auth';

interface Values {
  apiKey: string;
  remember: boolean;
}

/** Sign in with an API key: it is exchanged for a short-lived access token at once. */
export function LoginPage() {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const session = useAuth((state) => state.session);
  const notice = useAuth((state) => state.notice);
  const signIn = useAuth((state) => state.signIn);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  if (session) return <Navigate to={from} replace />;

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      const fresh = await exchangeKey(values.apiKey.trim());
      signIn(fresh, values.remember);
      navigate(from, { replace: true });
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <Card
        className="login-card"
        title={
          <span>
            <KeyOutlined /> {t('login.title')}
          </span>
        }
        extra={<LanguageSwitch />}
      >
        <Typography.Paragraph type="secondary">{t('login.help')}</Typography.Paragraph>
        <Typography.Paragraph>
          <code>warroom keys create --role responder --name me</code>
        </Typography.Paragraph>
        {notice && <Alert type="warning" showIcon message={notice} className="form-alert" />}
        {error && (
          <Alert
            type="error"
            showIcon
            message={t('login.failed')}
            description={error}
            className="form-alert"
            data-testid="login-error"
          />
        )}
        <Form<Values>
          layout="vertical"
          onFinish={(values) => void submit(values)}
          initialValues={{ remember: true, apiKey: '' }}
        >
          <Form.Item
            name="apiKey"
            label={t('login.key')}
            rules={[{ required: true, whitespace: true, message: t('login.keyNeeded') }]}
          >
            <Input.Password
              autoFocus
              placeholder="wr_…"
              autoComplete="off"
              data-testid="login-key"
            />
          </Form.Item>
          <Form.Item name="remember" valuePropName="checked">
            <Checkbox data-testid="login-remember">{t('login.remember')}</Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
