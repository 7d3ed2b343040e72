namespace Relay.Hosting.Api;

/// <summary>One page of a list, ordered by id. Pass <see cref="NextAfterId"/> as <c>afterId</c> to get the next
/// page.</summary>
/// <typeparam name="T">The listed item.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="NextAfterId">The id to continue after, or null when this is the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, long? NextAfterId);
