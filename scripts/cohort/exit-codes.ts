/** The command line's exit codes (64, 65 and 78 are sysexits' EX_USAGE, EX_DATAERR and EX_CONFIG). */
export const EXIT = { ok: 0, failed: 1, shopUnavailable: 2, usage: 64, invalidInput: 65, configuration: 78 } as const;

export const EXIT_CODE_MEANINGS: ReadonlyArray<readonly [number, string]> = [
  [EXIT.ok, "done"],
  [EXIT.failed, "failed (the message says why; `status` shows a sync's last error)"],
  [EXIT.shopUnavailable, "the shop is unknown to Cohort, or not available to it (uninstalled or closed)"],
  [EXIT.usage, "usage error: unknown command or option, or a missing argument"],
  [
    EXIT.invalidInput,
    "invalid input: a segment query with errors, a name already used, an unknown segment or template (nothing saved)",
  ],
  [EXIT.configuration, "configuration error: a variable is missing or malformed"],
];

/** An expected failure: printed as one line, `cohort: <message>`, never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export function unknownShop(shop: string): string {
  return `unknown shop ${shop} — Cohort holds nothing about it (open the app in the shop's admin to install it)`;
}
