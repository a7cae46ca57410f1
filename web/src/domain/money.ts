// Won: the API's money is an integer number of KRW, and so is the app's. No fractions.

/** ₩150,000 (and -₩1,000). The same in both languages: the sign and digits are universal. */
export function formatWon(amount: number): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`not a whole number of won: ${amount}`);
  const digits = String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount < 0 ? '-' : ''}₩${digits}`;
}

/** What a person typed ("150000", "150,000", "₩150,000") as whole won, or null. */
export function parseWon(text: string): number | null {
  const cleaned = text.trim().replace(/^₩/, '').replace(/,/g, '').replace(/원$/, '').trim();
  if (!/^\d{1,15}$/.test(cleaned)) return null;
  const amount = Number(cleaned);
  return Number.isSafeInteger(amount) ? amount : null;
}
