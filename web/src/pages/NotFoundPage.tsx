import { Button, Result } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useT } from '../i18n';

export default function NotFoundPage() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={t('notFound.help')}
      extra={<Button onClick={() => navigate('/')}>{t('nav.home')}</Button>}
      data-testid="page-not-found"
    />
  );
}
