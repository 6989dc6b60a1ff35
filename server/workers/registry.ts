import type { Socket } from 'socket.io';
import type { WorkersRepo } from '../db/workers-repo.ts';
import type { Logger } from '../logger.ts';
import type { WorkerClientToServerEvents, WorkerServerToClientEvents } from '../protocol/events.ts';
import type { WorkerRegistration, WorkerSummary } from '../protocol/workers.ts';

export type WorkerSocket = Socket<WorkerClientToServerEvents, WorkerServerToClientEvents>;

interface Connection {
  socket: WorkerSocket;
  registration: WorkerRegistration;
}

/**
 * Tracks which workers are connected right now. The database keeps every worker ever seen;
 * this map holds the live sockets that commands can be sent to.
 */
export class WorkerRegistry {
  private readonly connections = new Map<string, Connection>();
  private readonly listeners = new Set<(workers: WorkerSummary[]) => void>();
  private readonly onlineListeners = new Set<(workerId: string) => void>();
  private readonly offlineListeners = new Set<(workerId: string) => void>();

  constructor(
    private readonly repo: WorkersRepo,
    private readonly logger: Logger,
    private readonly now: () => string,
  ) {}

  register(socket: WorkerSocket, registration: WorkerRegistration): void {
    const previous = this.connections.get(registration.workerId);
    if (previous && previous.socket.id !== socket.id) {
      // A reconnect can arrive before the old socket's disconnect; the newest socket wins.
      this.logger.info({ workerId: registration.workerId }, 'worker replaced an older connection');
      previous.socket.disconnect(true);
    }

    this.connections.set(registration.workerId, { socket, registration });
    this.repo.upsert(registration, this.now());
    this.logger.info(
      {
        workerId: registration.workerId,
        hostname: registration.hostname,
        gpus: registration.gpus.length,
        engine: registration.engine.state,
      },
      'worker registered',
    );
    this.changed();
    for (const listener of this.onlineListeners) {
      listener(registration.workerId);
    }
  }

  heartbeat(workerId: string, update: Partial<WorkerRegistration>): void {
    const connection = this.connections.get(workerId);
    if (!connection) {
      return;
    }
    const engineChanged =
      update.engine !== undefined &&
      JSON.stringify(update.engine) !== JSON.stringify(connection.registration.engine);
    connection.registration = { ...connection.registration, ...update };
    this.repo.touch(workerId, this.now(), connection.registration);
    if (engineChanged) {
      this.changed();
    }
  }

  disconnect(workerId: string, socketId: string, reason: string): void {
    const connection = this.connections.get(workerId);
    if (!connection || connection.socket.id !== socketId) {
      return;
    }
    this.connections.delete(workerId);
    this.repo.setStatus(workerId, 'offline');
    this.logger.warn({ workerId, reason }, 'worker disconnected');
    this.changed();
    for (const listener of this.offlineListeners) {
      listener(workerId);
    }
  }

  socketOf(workerId: string): WorkerSocket | null {
    return this.connections.get(workerId)?.socket ?? null;
  }

  registrationOf(workerId: string): WorkerRegistration | null {
    return this.connections.get(workerId)?.registration ?? null;
  }

  connectedIds(): string[] {
    return [...this.connections.keys()];
  }

  list(): WorkerSummary[] {
    return this.repo.list();
  }

  onChange(listener: (workers: WorkerSummary[]) => void): void {
    this.listeners.add(listener);
  }

  onOnline(listener: (workerId: string) => void): void {
    this.onlineListeners.add(listener);
  }

  onOffline(listener: (workerId: string) => void): void {
    this.offlineListeners.add(listener);
  }

  private changed(): void {
    const workers = this.list();
    for (const listener of this.listeners) {
      listener(workers);
    }
  }
}
