namespace Relay.Server.Clients;

/// <summary>One page of the fleet.</summary>
/// <param name="Items">The clients of this page.</param>
/// <param name="NextAfterId">In id order (the default): the id to continue after, as in every other list; null on the
/// last page and in other orders.</param>
/// <param name="NextAfter">In any order: pass it as <c>after</c>, with the same <c>sort</c>, for the next page; null on
/// the last page.</param>
public sealed record ClientPage(IReadOnlyList<ClientResponse> Items, long? NextAfterId, string? NextAfter);
