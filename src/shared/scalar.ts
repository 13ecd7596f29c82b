/** A plain value a member or command attribute may hold, and a condition may compare with. */
export type Scalar = string | number | boolean;
