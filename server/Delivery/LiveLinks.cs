using System.Collections.Concurrent;

namespace Relay.Server.Delivery;

/// <summary>The connection of every client this instance delivers to, for <see cref="CredentialWatch"/> to judge
/// again.</summary>
internal sealed class LiveLinks
{
    private readonly ConcurrentDictionary<long, ClientConnection> _connections = new();

    public IEnumerable<ClientConnection> All => _connections.Values;

    public IReadOnlyCollection<long> ClientIds => [.. _connections.Keys];

    public bool TryGet(long clientId, out ClientConnection? connection) =>
        _connections.TryGetValue(clientId, out connection);

    public void Add(ClientConnection connection) => _connections[connection.ClientId] = connection;

    public void Remove(ClientConnection connection) =>
        _connections.TryRemove(new KeyValuePair<long, ClientConnection>(connection.ClientId, connection));
}
