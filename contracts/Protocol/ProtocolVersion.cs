namespace Relay.Contracts.Protocol;

/// <summary>The wire protocol version this build speaks. A frame with another version is refused.</summary>
public static class ProtocolVersion
{
    /// <summary>The only version accepted today.</summary>
    public const int Current = 1;
}
