// toxiproxy-server logs at trace level unless LOG_LEVEL says otherwise: about ten lines per
// connection, written through the harness (60 MB a minute when 10,000 users reconnect after a
// relay crash). At "info", a line when a connection opens and one when it closes, and every
// warning; Toxiproxy's CPU per connection fell from 470-510 us to 380-445 us (5,000 connections,
// three alternating rounds).
export const TOXIPROXY_ENV = { LOG_LEVEL: "info" };
