// The surge scenario's figures as summary.json holds them (surge-figures.ts computes them).
import { z } from "zod";
import { percentilesSchema } from "../../report/summary/percentiles-schema.ts";

export const surgeSecondSchema = z.strictObject({
  second: z.number().describe("seconds since the first sign-up of the ramp"),
  plannedPerS: z.number().describe("the ramp's arrival rate at this second"),
  signUps: z.number().describe("sign-ups that started in this second"),
  accepted: z.number(),
  refused: z.number(),
  unfinished: z.number(),
  firstMessageMs: percentilesSchema.describe("connect to the first message delivered to a contact, of the sign-ups started this second"),
  prekeyFetches: z.number().describe("prekey bundle requests sent this second"),
  prekeyFetchMs: percentilesSchema,
  generatorSaturated: z.boolean().describe("the load generator was saturated in this second (generator-saturation.ts)"),
  droppedIterations: z.number().nullable().describe("sign-up arrivals k6 dropped in this second: no free VU at the arrival's tick (SURGE_MAX_VUS), a limit of the generator, not the server. k6's own dropped_iterations points, by the time k6 stamped on each (one before the ramp's second 0 is counted in it); null: k6's points were not kept"),
}).meta({ id: "SurgeSecond" });

export const surgeKneeSchema = z.strictObject({
  boundMs: z.number().describe("the first-message p95 bound (SURGE_KNEE_P95_MS)"),
  found: z.boolean().describe("false: p95 stayed within the bound over the whole ramp"),
  second: z.number().nullable(),
  signUpsPerS: z.number().nullable().describe("the ramp's rate at that second: the knee"),
  p95Ms: z.number().nullable(),
  generatorSaturated: z.boolean().describe("the generator was saturated at or before the knee: it may be k6's, not the server's"),
  droppedIterations: z.number().nullable().describe("sign-ups k6 dropped (no free VU) in the seconds up to the knee: the ramp's rate was not reached there; null: k6's points were not kept"),
  generatorNote: z.string().nullable(),
}).meta({ id: "SurgeKnee" });

export const relayPrekeyLogSchema = z.discriminatedUnion("available", [
  z.strictObject({
    available: z.literal(true),
    handedOut: z.number().describe("one-time prekeys of this scenario's population the relay logged as handed out (\"c\" records its log still holds: a compaction drops them)"),
    handedOutTwice: z.number().describe("\"c\" records of an id the user did not hold then (handed out twice, or never published): must be 0"),
    twice: z.array(z.string()).describe("the first of them, as <user id>/<prekey id>"),
  }),
  z.strictObject({ available: z.literal(false), why: z.string() }),
]).meta({ id: "RelayPrekeyLog", description: "the relay's own log of handed-out one-time prekeys, replayed (relay-prekey-log.ts)" });

export const clientPickedPrekeysSchema = z.strictObject({
  graceMs: z.number().nullable().describe("how long an owner keeps a consumed one-time prekey (null: none was consumed)"),
  pickedTwice: z.number().describe("(contact, one-time prekey id) pairs two or more newcomers picked from the contact's bundle (a real race over PEP: reported, not avoided)"),
  pickedTwiceIds: z.array(z.string()).describe("the first of them, as <contact index>/<prekey id>"),
  reusedWithinGrace: z.number().describe("incoming agreements that used a one-time prekey already consumed, within its grace: the second picker's session still agreed"),
  refusedAfterGrace: z.number().describe("incoming agreements refused because their one-time prekey was consumed and its grace over (or never held): those first messages were not shown"),
}).meta({ id: "ClientPickedPrekeys", description: "one-time prekeys picked by the newcomers from published bundles (XMPP's PEP) rather than handed out once by the server" });

export const surgeFiguresSchema = z.strictObject({
  signUps: z.number(),
  accepted: z.number(),
  refused: z.number(),
  unfinished: z.number(),
  refusedBy: z.record(z.string(), z.number()).describe("the server's reasons (error codes; connect:<reason> for failed connections)"),
  firstMessageMs: percentilesSchema.describe("connect to the first message delivered, every accepted sign-up"),
  firstMessageUndelivered: z.number().describe("accepted sign-ups whose first message never reached a contact"),
  recipientLeft: z.number().describe("messages acknowledged after their recipient had ended its session for good (a newcomer past its end, no later connection) and never shown: the server keeps them for a user that never connects again. Not lost: the lost checker lists them in details.recipientLeft, and messages.lostAfterAck does not count them"),
  senderLeft: z.number().describe("messages never acknowledged whose sender ended its session for good (a newcomer at its end, no later connection) within the late bound (lateMs) of sending them: closed before the acknowledgement could arrive. Not counted by the never-acknowledged checker (details.senderLeft) nor in messages.neverAcked"),
  connectMs: percentilesSchema,
  droppedIterations: z.number().nullable().describe("sign-up arrivals k6 dropped for want of a free VU: k6's own dropped_iterations points of the sign-up scenario (k6-dropped-iterations.jsonl, or k6-metrics.jsonl with --k6-raw-metrics), the count of its end-of-test summary; null: k6's points were not kept (a run analysed from gathered files)"),
  prekeyFetches: z.number(),
  prekeyFetchMs: percentilesSchema,
  prekeyFetchRetries: z.number().describe("bundle requests the relay refused as busy and the client sent again"),
  oneTimePrekeysExhausted: z.number().describe("bundles handed out without a one-time prekey: the agreement fell back to the signed prekey"),
  oneTimePrekeysHandedOutTwice: z.number().describe("(contact, one-time prekey id) pairs handed out more than once, from the clients' records: must be 0 where the server hands them out (the relay); where clients pick (XMPP), clientPicked.pickedTwice"),
  clientPicked: clientPickedPrekeysSchema.nullable().describe("XMPP (PEP): newcomers picked one-time prekeys from published bundles; null where the server hands them out (the relay)"),
  relayPrekeyLog: relayPrekeyLogSchema,
  existingUsers: z.strictObject({ before: percentilesSchema, during: percentilesSchema })
    .describe("latency of the existing users' conversations (tag chat) before the ramp and during it: the collateral damage"),
  perSecond: z.array(surgeSecondSchema),
  knee: surgeKneeSchema,
}).meta({ id: "SurgeFigures", description: "scenario surge: sign-ups during a steady conversation load" });

export type SurgeFigures = z.infer<typeof surgeFiguresSchema>;
export type SurgeSecond = z.infer<typeof surgeSecondSchema>;
export type SurgeKnee = z.infer<typeof surgeKneeSchema>;
export type ClientPickedPrekeys = z.infer<typeof clientPickedPrekeysSchema>;
