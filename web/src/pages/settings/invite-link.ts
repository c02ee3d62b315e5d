/** The link an invitee opens: its id is the secret, since no email is sent. */
export const inviteLink = (id: string) => `${location.origin}/invite/${encodeURIComponent(id)}`;
