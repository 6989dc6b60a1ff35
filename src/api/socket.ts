import type { Ack } from '@protocol/envelope.ts';
import {
  UI_NAMESPACE,
  type UiClientToServerEvents,
  type UiServerToClientEvents,
} from '@protocol/events.ts';
import type { WorkerSummary } from '@protocol/workers.ts';
import { io, type Socket } from 'socket.io-client';
import { create } from 'zustand';
import { boardToken } from './token.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

interface ConnectionState {
  status: ConnectionStatus;
  workers: WorkerSummary[];
}

export const useConnection = create<ConnectionState>(() => ({
  status: 'connecting',
  workers: [],
}));

export type UiSocket = Socket<UiServerToClientEvents, UiClientToServerEvents>;

let socket: UiSocket | null = null;

/**
 * Returns the page's one socket, creating it on first use. This is the single entry point for
 * live data: it writes what arrives into stores, and components read the stores.
 */
export function uiSocket(): UiSocket {
  if (socket) {
    return socket;
  }
  const created: UiSocket = io(UI_NAMESPACE, {
    auth: { token: boardToken() ?? undefined },
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });

  const refreshWorkers = () => {
    created.emit('workers:list', null, (ack: Ack<WorkerSummary[]>) => {
      if (ack.ok) {
        useConnection.setState({ workers: ack.data });
      }
    });
  };

  created.on('connect', () => {
    useConnection.setState({ status: 'connected' });
    refreshWorkers();
  });
  created.on('disconnect', (reason) => {
    useConnection.setState({ status: 'disconnected' });
    // socket.io-client does not retry after the server closed the connection on purpose.
    if (reason === 'io server disconnect') {
      setTimeout(() => created.connect(), 1_000);
    }
  });
  created.on('connect_error', (error) => {
    const unauthorized = error.message.includes('unauthorized');
    useConnection.setState({ status: unauthorized ? 'unauthorized' : 'disconnected' });
    // socket.io stops retrying after a middleware rejection; keep trying so a fixed token or a
    // restarted board is picked up without a reload.
    if (!created.active) {
      setTimeout(() => created.connect(), 2_000);
    }
  });
  created.on('workers:changed', (workers) => useConnection.setState({ workers }));

  socket = created;
  return created;
}
