/**
 * Where the local router's admin API lives, shared by the router and its client,
 * so that a traffic action's bundle carries the client without the server.
 */
export const ADMIN_PREFIX = '/__release-actions';
