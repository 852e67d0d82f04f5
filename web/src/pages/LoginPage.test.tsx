import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { useAuth } from '../state/auth';
import { mockApi, renderWithApp } from '../test/render';
import { LoginPage } from './LoginPage';

function app() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/" element={<p>signed in home</p>} />
    </Routes>
  );
}

describe('LoginPage', () => {
  it('exchanges the key, keeps the session on this device and goes on', async () => {
    mockApi({
      'POST /api/v1/auth/token': {
        json: { access_token: 'jwt-1', expires_in: 900, key_id: 'key_a', role: 'admin' },
      },
    });
    renderWithApp(app(), { route: '/login', role: null });
    fireEvent.change(screen.getByTestId('login-key'), { target: { value: '  wr_good_key ' } });
    await userEvent.click(screen.getByTestId('login-submit'));
    expect(await screen.findByText('signed in home')).toBeInTheDocument();
    expect(useAuth.getState().session).toMatchObject({
      apiKey: 'wr_good_key',
      token: 'jwt-1',
      role: 'admin',
    });
    await waitFor(() => expect(localStorage.getItem('warroom.auth')).toContain('jwt-1'));
    expect(sessionStorage.getItem('warroom.auth')).toBeNull();
  });

  it('keeps the key in this tab only when not remembered', async () => {
    mockApi({
      'POST /api/v1/auth/token': {
        json: { access_token: 'jwt-2', expires_in: 900, key_id: 'key_a', role: 'viewer' },
      },
    });
    renderWithApp(app(), { route: '/login', role: null });
    fireEvent.change(screen.getByTestId('login-key'), { target: { value: 'wr_good_key' } });
    await userEvent.click(screen.getByTestId('login-remember'));
    await userEvent.click(screen.getByTestId('login-submit'));
    expect(await screen.findByText('signed in home')).toBeInTheDocument();
    await waitFor(() => expect(sessionStorage.getItem('warroom.auth')).toContain('jwt-2'));
    expect(localStorage.getItem('warroom.auth')).toBeNull();
  });

  it('says why a key was refused and stays on the page', async () => {
    mockApi({
      'POST /api/v1/auth/token': { status: 401, json: { detail: 'the API key is not valid' } },
    });
    renderWithApp(app(), { route: '/login', role: null });
    fireEvent.change(screen.getByTestId('login-key'), { target: { value: 'wr_bad' } });
    await userEvent.click(screen.getByTestId('login-submit'));
    expect(await screen.findByTestId('login-error')).toHaveTextContent(
      '401: the API key is not valid',
    );
    expect(useAuth.getState().session).toBeNull();
  });

  it('asks for a key before calling the server', async () => {
    const { calls } = mockApi({});
    renderWithApp(app(), { route: '/login', role: null });
    await userEvent.click(screen.getByTestId('login-submit'));
    expect(await screen.findByText('Paste your API key (it starts with wr_)')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });
});
