namespace Relay.Server.Auth;

/// <summary>
/// Endpoint metadata: a GET that needs the key anyway, because it makes the server do work (a
/// verify queues a comparison and reads the client's table), so an open read cannot be used to
/// load MySQL and the fleet.
/// </summary>
internal sealed class RequiresApiKey
{
    public static readonly RequiresApiKey Instance = new();

    public static bool On(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<RequiresApiKey>() is not null;
}

internal static class RequiresApiKeyExtensions
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RequiresApiKey.Instance);
}
