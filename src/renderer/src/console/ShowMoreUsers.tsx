/**
 * "Show more users": the next page of a list the server pages (Users, Readiness, Guided recovery's search).
 * A real button, so Tab and Enter reach it; busy while the page loads, and a second press then does nothing.
 */
interface PagedList {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): Promise<unknown>;
}

export function ShowMoreUsers({ list }: { list: PagedList }) {
  if (!list.hasNextPage) return null;
  return (
    <div className="actions">
      <button
        type="button"
        aria-busy={list.isFetchingNextPage}
        onClick={() => !list.isFetchingNextPage && void list.fetchNextPage()}
      >
        Show more users
      </button>
    </div>
  );
}
