namespace Relay.Server.Delivery;

/// <summary>What an idle connection looks like from this side.</summary>
internal enum LinkProbe
{
    /// <summary>No connection is open.</summary>
    Closed,

    /// <summary>Open, and quiet as it should be.</summary>
    Open,

    /// <summary>The client closed it, or the network dropped it.</summary>
    Lost,

    /// <summary>The client sent something unasked: not a loss, but the connection is started over.</summary>
    Unexpected,
}
