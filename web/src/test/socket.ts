import { act } from '@testing-library/react';

/** A WebSocket the test drives: ``open``, ``send`` a message, ``drop`` the connection. */
export class FakeSocket {
  static made: FakeSocket[] = [];
  url: string;
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;

  constructor(url: string) {
    this.url = url;
    FakeSocket.made.push(this);
  }

  open() {
    act(() => this.onopen?.());
  }

  send(data: unknown) {
    act(() => this.onmessage?.({ data: JSON.stringify(data) }));
  }

  drop() {
    this.closed = true;
    act(() => this.onclose?.());
  }

  close() {
    if (!this.closed) this.drop();
  }

  get after(): number {
    return Number(new URL(this.url).searchParams.get('after'));
  }
}
