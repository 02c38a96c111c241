export async function measureDashboardsRss(..._: unknown[]): Promise<void> {}
