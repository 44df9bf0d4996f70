/** Where a created edit is read: the `Location` of a `201` from `POST /v1/edits`. */
export const editLocation = (id: string): string => `/v1/edits/${id}`;

/** Where a created batch is read: the `Location` of a `201` from `POST /v1/edits:batch`. */
export const batchLocation = (id: string): string => `/v1/batches/${id}`;

/** Where a created recipe run is read: the `Location` of a `201` from the run routes. */
export const runLocation = (id: string): string => `/v1/runs/${id}`;
