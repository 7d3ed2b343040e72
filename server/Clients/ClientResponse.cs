namespace Relay.Server.Clients;

/// <summary>A registered client and what the sender last saw of it.</summary>
public sealed record ClientResponse(long Id, string Name, string Host, int Port, DateTime? LastContactAt, string? LastError);
