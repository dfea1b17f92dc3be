/** The environment variables that choose a proxy, in every spelling clients read. */

/** Proxy variables, lower case first (curl reads only lower-case http_proxy). */
export const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'] as const;
