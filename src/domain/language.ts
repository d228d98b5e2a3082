import { z } from 'zod';

/** The languages messages are written in: a contract, a channel and a message name one of these. */
export const LANGUAGES = ['en', 'nl'] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;
