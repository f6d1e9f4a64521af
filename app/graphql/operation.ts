/**
 * A GraphQL document that carries the types of its answer and variables, so `AdminClient.request` is typed by the
 * document it is given. The phantom fields exist only for the type checker.
 */
export type GraphqlOperation<TData, TVariables extends Record<string, unknown> = Record<never, never>> = string & {
  readonly __data?: TData;
  readonly __variables?: TVariables;
};

export type DataOf<T> = T extends GraphqlOperation<infer D, Record<string, unknown>> ? D : never;
