/**
 * Staged uploads for bulk mutations, as Shopify hands them out: `stagedUploadsCreate(input: [{resource:
 * BULK_MUTATION_VARIABLES, …}])` answers an upload target in Shopify's Google Cloud Storage bucket; here the
 * target is the emulator's own `/_staged-uploads/` (captured shapes: ../shared/shopify-captures,
 * bulk-operations/*run-mutation*). A POST target is a signed-policy form (the parameters, then the file last; the
 * policy's `content-length-range` is 1 to 100 MB, so storage refuses a bigger or an empty file with its
 * `EntityTooLarge` / `EntityTooSmall` XML); a PUT target is a signed URL taking the raw body. Either way the
 * staged path given to `bulkOperationRunMutation` is the `key` (`tmp/<shop id>/bulk/<uuid>/<filename>`); the
 * resource URL is accepted too, as Shopify does.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorContext } from "../context.js";
import type { EmulatorRequest, EmulatorResponse, Router } from "../http.js";
import type { FieldResolver } from "../graphql/schema.js";

/** Shopify's limit for a bulk mutation's variables file (the policy's content-length-range upper bound). */
export const MAX_STAGED_UPLOAD_BYTES = 104_857_600;
/** Room for the form fields around the file in a multipart POST. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;
export const STAGED_UPLOADS_PATH = "/_staged-uploads";

export interface StagedTarget {
  key: string;
  shopId: number;
  method: "POST" | "PUT";
  mimeType: string;
  /** Where the uploaded file lives, once uploaded. */
  file: string | null;
  size: number;
  /** The `fileSize` the target was asked for (PUT targets); Shopify checks it when the operation is run. */
  declaredSize: number | null;
}

interface StagedStore {
  dir: string;
  targets: Map<string, StagedTarget>;
}

const stores = new WeakMap<EmulatorContext, StagedStore>();

function stagedStore(ctx: EmulatorContext): StagedStore {
  let store = stores.get(ctx);
  if (!store) {
    store = { dir: mkdtempSync(join(tmpdir(), "shopify-staged-")), targets: new Map() };
    stores.set(ctx, store);
  }
  return store;
}

/** `tmp/<shop>/bulk/<uuid>/<filename>` from a key or a resource URL (ours or Shopify's form), or null. */
export function stagedKeyOf(path: string): string | null {
  let candidate = path.trim();
  if (/^https?:\/\//.test(candidate)) {
    try {
      candidate = decodeURIComponent(new URL(candidate).pathname);
    } catch {
      return null;
    }
  }
  const match = /(?:^|\/)(tmp\/\d+\/bulk\/[^/]+\/[^/?]+)$/.exec(candidate);
  return match ? match[1]! : null;
}

/** The target behind a staged path of this shop (uploaded or not), or null. */
export function stagedTarget(ctx: EmulatorContext, shopId: number, path: string): StagedTarget | null {
  const key = stagedKeyOf(path);
  const target = key ? stagedStore(ctx).targets.get(key) : undefined;
  return target && target.shopId === shopId ? target : null;
}

/** The uploaded file behind a staged path of this shop, or null when nothing was uploaded there. */
export function stagedFile(ctx: EmulatorContext, shopId: number, path: string): { file: string; size: number } | null {
  const target = stagedTarget(ctx, shopId, path);
  if (!target || target.file === null) return null;
  return { file: target.file, size: target.size };
}

// ---- stagedUploadsCreate ---------------------------------------------------------------------------------------

interface StagedUploadInput {
  resource?: unknown;
  filename?: unknown;
  mimeType?: unknown;
  httpMethod?: unknown;
  fileSize?: unknown;
}

const compactDate = (iso: string): string => iso.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

function sanitizeFilename(name: string): string {
  return name.replace(/[/\\?#]/g, "_") || "upload.jsonl";
}

export function stagedUploadResolvers(): Record<string, FieldResolver> {
  return {
    stagedUploadsCreate: (args, ctx) => {
      const inputs = (Array.isArray(args.input) ? args.input : []) as StagedUploadInput[];
      const origin = ctx.emulator.origin();
      const now = ctx.emulator.store.nowIso();
      const stagedTargets: unknown[] = [];
      const userErrors: unknown[] = [];
      inputs.forEach((input, index) => {
        if (input.resource !== "BULK_MUTATION_VARIABLES") {
          // Not modelled: Cohort stages only bulk mutation variables.
          userErrors.push({
            __typename: "UserError",
            field: ["input", String(index), "resource"],
            message: `The local Shopify stages only BULK_MUTATION_VARIABLES uploads, not ${String(input.resource)}`,
          });
          return;
        }
        const filename = sanitizeFilename(String(input.filename ?? ""));
        const key = `tmp/${ctx.shop.id}/bulk/${randomUUID()}/${filename}`;
        const method = input.httpMethod === "POST" ? "POST" : "PUT";
        const mimeType = typeof input.mimeType === "string" ? input.mimeType : "text/jsonl";
        const declared = Number(input.fileSize);
        stagedStore(ctx.emulator).targets.set(key, {
          key,
          shopId: ctx.shop.id,
          method,
          mimeType,
          file: null,
          size: 0,
          declaredSize: input.fileSize !== undefined && Number.isFinite(declared) ? declared : null,
        });
        const day = compactDate(now).slice(0, 8);
        const credential = `local-shopify@emulator.local/${day}/auto/storage/goog4_request`;
        if (method === "POST") {
          const policy = Buffer.from(
            JSON.stringify({
              conditions: [
                { "Content-Type": mimeType },
                { success_action_status: "201" },
                { acl: "private" },
                ["content-length-range", 1, MAX_STAGED_UPLOAD_BYTES],
                { bucket: "local-staged-uploads" },
                { key },
              ],
              expiration: new Date(new Date(now).getTime() + 86_400_000).toISOString().replace(/\.\d+Z$/, "Z"),
            }),
          ).toString("base64");
          const url = `${origin}${STAGED_UPLOADS_PATH}/`;
          stagedTargets.push({
            __typename: "StagedMediaUploadTarget",
            url,
            resourceUrl: url,
            parameters: [
              ["Content-Type", mimeType],
              ["success_action_status", "201"],
              ["acl", "private"],
              ["key", key],
              ["x-goog-date", compactDate(now)],
              ["x-goog-credential", credential],
              ["x-goog-algorithm", "GOOG4-RSA-SHA256"],
              ["x-goog-signature", "0".repeat(64)],
              ["policy", policy],
            ].map(([name, value]) => ({ __typename: "StagedUploadParameter", name, value })),
          });
        } else {
          const url =
            `${origin}${STAGED_UPLOADS_PATH}/${key}?X-Goog-Algorithm=GOOG4-RSA-SHA256` +
            `&X-Goog-Credential=${encodeURIComponent(credential)}&X-Goog-Date=${compactDate(now)}` +
            `&X-Goog-Expires=604800&X-Goog-SignedHeaders=host&X-Goog-Signature=${"0".repeat(64)}`;
          stagedTargets.push({
            __typename: "StagedMediaUploadTarget",
            url,
            resourceUrl: url,
            parameters: [
              ["content_type", mimeType],
              ["acl", "private"],
            ].map(([name, value]) => ({ __typename: "StagedUploadParameter", name, value })),
          });
        }
      });
      return { __typename: "StagedUploadsCreatePayload", stagedTargets, userErrors };
    },
  };
}

// ---- the storage endpoint --------------------------------------------------------------------------------------

function storageError(code: string, message: string, details?: string): EmulatorResponse {
  return {
    status: 400,
    headers: { "content-type": "application/xml; charset=UTF-8" },
    body:
      `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message>` +
      (details ? `<Details>${details}</Details>` : "") +
      `</Error>`,
  };
}

const TOO_LARGE = storageError(
  "EntityTooLarge",
  "Your proposed upload is larger than the maximum object size specified in your Policy Document.",
  "Content-length exceeds upper bound on range",
);
const TOO_SMALL = storageError(
  "EntityTooSmall",
  "Your proposed upload is smaller than the minimum object size specified in your Policy Document.",
  "Content-length is smaller than lower bound on range.",
);

interface FormPart {
  name: string;
  filename: string | null;
  data: Buffer;
}

/** A multipart/form-data body as parts, in order; null when it is not one. */
export function parseMultipart(contentType: string, body: Buffer): FormPart[] | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const marker = boundary ? (boundary[1] ?? boundary[2])!.trim() : null;
  if (!marker) return null;
  const delimiter = Buffer.from(`--${marker}`);
  const parts: FormPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) return null;
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === "--") break;
    position += 2; // CRLF after the delimiter
    const headerEnd = body.indexOf("\r\n\r\n", position);
    if (headerEnd < 0) return null;
    const headers = body.subarray(position, headerEnd).toString("utf8");
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next < 0) return null;
    const data = body.subarray(headerEnd + 4, next - 2); // CRLF before the next delimiter
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? "";
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
    parts.push({ name, filename, data });
    position = next;
  }
  return parts;
}

function keep(ctx: EmulatorContext, target: StagedTarget, data: Buffer): void {
  const store = stagedStore(ctx);
  const path = join(store.dir, `${randomUUID()}.jsonl`);
  writeFileSync(path, data);
  if (target.file) rmSync(target.file, { force: true });
  target.file = path;
  target.size = statSync(path).size;
}

/** `POST /_staged-uploads/` (form, file last) and `PUT /_staged-uploads/tmp/…` (raw body). */
export function registerStagedUploads(router: Router, ctx: EmulatorContext): void {
  const limits = { bodyLimitBytes: MAX_STAGED_UPLOAD_BYTES + FORM_OVERHEAD_BYTES, onBodyTooLarge: () => TOO_LARGE };
  router.add(
    "POST",
    `${STAGED_UPLOADS_PATH}`,
    (request: EmulatorRequest) => {
      const parts = parseMultipart(String(request.headers["content-type"] ?? ""), request.rawBody);
      if (!parts) return storageError("InvalidArgument", "Invalid argument.", "POST requires a multipart form.");
      const fileIndex = parts.findIndex((part) => part.name === "file");
      if (fileIndex < 0)
        return storageError(
          "InvalidArgument",
          "Invalid argument.",
          "POST requires exactly one file upload per request.",
        );
      if (fileIndex !== parts.length - 1) {
        return storageError(
          "InvalidArgument",
          "Invalid argument.",
          "Form fields after the file are ignored; send the file last.",
        );
      }
      const fields = new Map(parts.slice(0, fileIndex).map((part) => [part.name.toLowerCase(), part.data.toString()]));
      const key = fields.get("key") ?? "";
      const target = stagedStore(ctx).targets.get(key);
      if (!target || target.method !== "POST") {
        return storageError("AccessDenied", "Access denied.", "Invalid policy document or request signature.");
      }
      const file = parts[fileIndex]!.data;
      if (file.length > MAX_STAGED_UPLOAD_BYTES) return TOO_LARGE;
      if (file.length === 0) return TOO_SMALL;
      keep(ctx, target, file);
      const location = `${ctx.origin()}${STAGED_UPLOADS_PATH}/${key}`;
      if (fields.get("success_action_status") !== "201") return { status: 204 };
      return {
        status: 201,
        headers: { "content-type": "application/xml; charset=UTF-8" },
        body:
          `<?xml version='1.0' encoding='UTF-8'?><PostResponse><Location>${location}</Location>` +
          `<Bucket>local-staged-uploads</Bucket><Key>${key}</Key><ETag>"${randomUUID().replace(/-/g, "")}"</ETag></PostResponse>`,
      };
    },
    limits,
  );
  router.add(
    "PUT",
    `${STAGED_UPLOADS_PATH}/tmp/:shop/bulk/:uuid/:filename`,
    (request: EmulatorRequest) => {
      const key = `tmp/${request.params.shop}/bulk/${request.params.uuid}/${request.params.filename}`;
      const target = stagedStore(ctx).targets.get(key);
      if (!target || target.method !== "PUT") {
        return storageError("AccessDenied", "Access denied.", "Invalid request signature.");
      }
      keep(ctx, target, request.rawBody);
      return { status: 200, body: "" };
    },
    // A signed PUT URL carries no size policy; Shopify checks the size when the operation is run.
    { bodyLimitBytes: MAX_STAGED_UPLOAD_BYTES + FORM_OVERHEAD_BYTES, onBodyTooLarge: () => TOO_LARGE },
  );
}
