// What the image functions return: the image name to start and where it came from.
export interface ResolvedImage {
  name: string;
  origin: "present" | "pulled" | "built-from-official-base" | "built-offline";
}
