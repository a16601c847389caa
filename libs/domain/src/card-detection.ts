/** Checks that tell a payment card number or an IBAN from other long numbers. */

/** Luhn (mod 10) checksum over a string of digits. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * A card number found in untyped data: 13-19 digits, a valid Luhn checksum, and a first digit 2-6 (the major
 * industry identifiers of payment cards: Mastercard 2/5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay/Maestro 6).
 * The first-digit rule keeps epoch-millisecond timestamps (1…, until 2033) and most numeric ids out.
 */
export function looksLikeCardNumber(digits: string): boolean {
  return /^[2-6]\d{12,18}$/.test(digits) && passesLuhn(digits);
}

/** An IBAN (spaces removed): 2 letters, 2 check digits, 11-30 alphanumerics, ISO 7064 mod 97 == 1. */
export function looksLikeIban(compact: string): boolean {
  const upper = compact.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(upper)) return false;
  const rearranged = upper.slice(4) + upper.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Replaces every character but the last `keep` with `*`. */
export function maskKeepingLast(text: string, keep = 4): string {
  return '*'.repeat(Math.max(0, text.length - keep)) + text.slice(-keep);
}
