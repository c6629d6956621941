/**
 * Exactly-once sessions for a concurrent client. The state machine caches one answer per client
 * id, so each id may have one command in flight: concurrent writes each borrow an idle id and
 * advance its seq; a retry reuses the seq it was given (Raft dissertation 6.3).
 */
export interface BorrowedSession {
  readonly clientId: string;
  readonly seq: number;
}

export class SessionPool {
  private readonly idle: { clientId: string; seq: number }[] = [];

  constructor(private readonly newId: () => string) {}

  acquire(): BorrowedSession {
    const s = this.idle.pop() ?? { clientId: this.newId(), seq: 0 };
    return { clientId: s.clientId, seq: s.seq + 1 };
  }

  release(s: BorrowedSession): void {
    this.idle.push({ clientId: s.clientId, seq: s.seq });
  }
}
