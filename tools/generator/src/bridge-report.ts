/**
 * Sums what the bridge says in its 202 answers: `{"accepted": n, "rejected": m, "errors": [{"reason": ...}]}`.
 * Only for the summary (a cross-check of the expectations); an answer of another shape is counted as unreadable.
 */
export interface BridgeTotals {
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** 2xx answers whose body was not of that shape. */
  unreadableAnswers: number;
}

export class BridgeReport {
  private readonly sums: BridgeTotals = { accepted: 0, rejected: 0, rejectedByReason: {}, unreadableAnswers: 0 };

  add(body: string | undefined): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body ?? '');
    } catch {
      this.sums.unreadableAnswers++;
      return;
    }
    const answer = parsed as { accepted?: unknown; rejected?: unknown; errors?: unknown };
    if (typeof answer !== 'object' || answer === null || typeof answer.accepted !== 'number' || typeof answer.rejected !== 'number') {
      this.sums.unreadableAnswers++;
      return;
    }
    this.sums.accepted += answer.accepted;
    this.sums.rejected += answer.rejected;
    if (Array.isArray(answer.errors)) {
      for (const error of answer.errors as unknown[]) {
        const reason = typeof error === 'object' && error !== null ? (error as { reason?: unknown }).reason : undefined;
        const key = typeof reason === 'string' ? reason : 'unknown';
        this.sums.rejectedByReason[key] = (this.sums.rejectedByReason[key] ?? 0) + 1;
      }
    }
  }

  totals(): BridgeTotals {
    return { ...this.sums, rejectedByReason: { ...this.sums.rejectedByReason } };
  }
}
