// Admin: custom-fields.
export const en = {
} as const;

export const tr: Record<keyof typeof en, string> = {
};
