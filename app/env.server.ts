import { z } from "zod";

/**
 * Cohort's environment, checked once at start. A missing or malformed variable stops the app with a message that
 * names it, instead of failing later inside a request.
 */
const databaseUrl = z
  .string({ required_error: "is required (file:./data/cohort.db for SQLite, postgresql://… for PostgreSQL)" })
  .refine((value) => value.startsWith("file:") || /^postgres(ql)?:\/\//.test(value), {
    message: "must start with file: (SQLite) or postgresql:// (PostgreSQL)",
  });

const httpUrl = (hint: string) =>
  z
    .string({ required_error: `is required (${hint})` })
    .url({ message: `must be an absolute URL (${hint})` })
    .refine((value) => /^https?:\/\//.test(value), { message: `must be http(s) (${hint})` })
    .transform((value) => value.replace(/\/+$/, ""));

const milliseconds = z.coerce
  .number({ invalid_type_error: "must be a number of milliseconds" })
  .int()
  .min(1, "must be at least 1 ms");

export const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string({ required_error: "is required (the app's client id)" }).min(1, "must not be empty"),
  SHOPIFY_API_SECRET: z.string({ required_error: "is required (the app's client secret)" }).min(1, "must not be empty"),
  SHOPIFY_APP_URL: httpUrl("where Shopify reaches the app, e.g. https://cohort.example.com"),
  SCOPES: z
    .string({ required_error: "is required (comma-separated access scopes)" })
    .regex(/^[a-z_]+(,[a-z_]+)*$/, "must be comma-separated scopes such as read_customers,write_customers"),
  DATABASE_URL: databaseUrl,
  /** Set only against the local Shopify: every request to https://<shop>.myshopify.com goes there instead. */
  SHOPIFY_EMULATOR_URL: httpUrl("the local Shopify's origin, e.g. http://127.0.0.1:4500").optional(),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  /** Read by @shopify/shopify-app-remix too: where App Bridge is loaded from (the local Shopify sets it). */
  APP_BRIDGE_URL: httpUrl("an App Bridge script URL").optional(),
  /** `off` in a web process that runs beside `npm run worker`: background work then runs in the worker only. */
  COHORT_BACKGROUND: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
  /** How often the worker looks at the inbox when no webhook woke it. */
  COHORT_INBOX_POLL_MS: milliseconds.default(5_000),
  /**
   * Events applied per pass: each pass's writes are a few short transactions, and on SQLite every one of them holds
   * the single write lock that webhook acknowledgement needs too.
   */
  COHORT_INBOX_BATCH: z.coerce.number().int().min(1, "must be at least 1").default(200),
  // Customers at once from which a tag push goes through a bulk mutation instead of aliased tagsAdd/tagsRemove.
  COHORT_TAG_BULK_THRESHOLD: z.coerce.number().int().min(1, "must be at least 1").default(500),
  /** How often the worker looks for shops whose backfill never completed. */
  COHORT_BACKFILL_SWEEP_MS: milliseconds.default(60_000),
  /**
   * How the SQLite inbox commits an acknowledged delivery. FULL (the default) survives a power loss; NORMAL only a
   * crash of the process, and spares an fsync per group commit. The acknowledgement benchmark measures both
   * (decision 0009); NORMAL is for a machine whose disk cache is battery-backed, or for measuring.
   */
  COHORT_SQLITE_INBOX_SYNCHRONOUS: z.enum(["FULL", "NORMAL"], { message: "must be FULL or NORMAL" }).default("FULL"),
  /** `npm run worker` lowers its CPU priority by this much (0 keeps the normal priority; 19 is the lowest). */
  COHORT_WORKER_NICE: z.coerce.number().int().min(0).max(19, "must be 0 to 19").default(10),
});

export type Env = z.infer<typeof EnvSchema>;

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "InvalidEnvironmentError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== "")),
  );
  if (result.success) return result.data;
  throw new InvalidEnvironmentError(
    result.error.issues.map((issue) => `${issue.path.join(".") || "(environment)"} ${issue.message}`),
  );
}

let cached: Env | undefined;

/** The checked environment of this process. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
