import { z } from 'zod';

/** Field builders whose error messages say what a variable must look like. */

export const text = (fallback?: string) =>
  fallback === undefined
    ? z.string()
    : z.string().default(fallback);

export const integer = (fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) =>
  z
    .string()
    .regex(/^-?\d+$/, { error: `expected an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, { error: `expected an integer >= ${min}` }).max(max, { error: `expected an integer <= ${max}` }))
    .default(fallback);

export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(fallback);

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` }).default(fallback);

export const httpUrl = () =>
  z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. http://host:8081' });

export const optionalHttpUrl = () => httpUrl().optional();

const HOST_PORT = /^[A-Za-z0-9._-]+:\d{1,5}$/;

/** `host:port,host:port` */
export const hostPortList = (fallback?: string) => {
  const list = z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .refine((items) => items.length > 0 && items.every((p) => HOST_PORT.test(p)), {
      error: 'expected a comma-separated list of host:port, e.g. kafka-1:9092,kafka-2:9092',
    });
  return fallback === undefined ? list : list.default(fallback.split(','));
};

export const port = (fallback: number) => integer(fallback, { min: 0, max: 65535 });
