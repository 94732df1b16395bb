// A type with every field optional, at every depth: summary.json as written by any earlier run of
// the same schema version (fields are only ever added), which the pages must still render. The
// entries of a record (a map by name) stay entries.
export type DeepPartial<T> =
  T extends (infer U)[] ? DeepPartial<U>[]
  : T extends object ? (string extends keyof T ? { [K in keyof T]: DeepPartial<T[K]> } : { [K in keyof T]?: DeepPartial<T[K]> })
  : T;
