/**
 * The headers GitHub sends with every delivery (docs.github.com, "Webhook events and payloads",
 * Delivery headers): X-GitHub-Event, X-GitHub-Delivery, X-GitHub-Hook-ID,
 * X-GitHub-Hook-Installation-Target-Type/-ID, X-Hub-Signature-256 (and the older SHA-1
 * X-Hub-Signature) when the hook has a secret, User-Agent `GitHub-Hookshot/…`; an Enterprise
 * Server adds X-GitHub-Enterprise-Version and X-GitHub-Enterprise-Host.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from '../shared/hmac.js';

export const header = (headers: IncomingHttpHeaders, name: string): string | undefined => headerValue(headers[name])?.trim() || undefined;

/** `issues`, `issue_comment`, `ping`, `pull_request`, `push`…: which event the body is. */
export const githubEvent = (headers: IncomingHttpHeaders): string | undefined => header(headers, 'x-github-event');
