import type { FastifyRequest } from 'fastify';
import { ProblemError, problems } from '../kernel/problems.js';
import { DEFAULT_FORM_LIMITS, type FormLimits, parseFormFields } from '../security/formFields.js';
import type { HttpApp } from './app.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route also accepts `application/x-www-form-urlencoded` bodies (JSON only otherwise). */
    form?: boolean;
  }
  interface FastifyRequest {
    /** How the body was encoded, for the inspector's findings (`body_form` vs `json_body`). */
    bodyFormat: 'form' | null;
  }
}

const FORM = 'application/x-www-form-urlencoded';

function charsetOf(contentType: string | undefined): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

function formBodyOf(request: FastifyRequest, limits: FormLimits, body: string): unknown {
  if (request.routeOptions.config?.form !== true) throw new ProblemError(problems['unsupported-media-type'], 'This route accepts JSON bodies only.');
  const charset = charsetOf(request.headers['content-type']);
  if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') throw new ProblemError(problems['unsupported-media-type'], 'Form bodies must be UTF-8.');
  // A form is the one body a browser posts cross-site without asking (no preflight): refuse it from another site.
  if (request.headers['sec-fetch-site'] === 'cross-site') throw new ProblemError(problems['csrf-failed'], 'Forms are accepted from this site only.');
  const out = parseFormFields(body, limits);
  switch (out.kind) {
    case 'ok':
      request.bodyFormat = 'form';
      return out.fields;
    case 'too_many_fields':
      throw new ProblemError(problems['malformed-body'], `More than ${out.limit} form fields.`);
    case 'forbidden_name':
      throw new ProblemError(problems['malformed-body'], `The form field name "${out.name}" is not accepted.`);
    case 'malformed':
      throw new ProblemError(problems['malformed-body'], `The form body is malformed (${out.reason.replaceAll('_', ' ')}).`);
  }
}

/**
 * Form bodies, parsed once for the whole app and accepted only by routes that declare `config.form` (the login
 * form, intake for gateways that can only post forms); every other route answers 415 as before. The parsed
 * fields go through the same inspector and strict schemas as JSON.
 */
export function formBodies(limits: FormLimits = DEFAULT_FORM_LIMITS) {
  return (app: HttpApp) => {
    app.decorateRequest('bodyFormat', null);
    app.addContentTypeParser(FORM, { parseAs: 'string' }, (request, body, done) => {
      try {
        done(null, formBodyOf(request, limits, body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
  };
}
