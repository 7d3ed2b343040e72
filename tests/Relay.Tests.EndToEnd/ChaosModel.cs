using Relay.Contracts.Personnel;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// What every client should hold, computed in memory from the operations the server accepted, in
/// the order it accepted them. The system under test must end up equal to it.
/// </summary>
public sealed class ChaosModel(int clients)
{
    public Dictionary<long, PersonnelRecord> Server { get; } = [];

    public Dictionary<long, PersonnelRecord>[] Clients { get; } =
        Enumerable.Range(0, clients).Select(_ => new Dictionary<long, PersonnelRecord>()).ToArray();

    public void Send(long personnelId, int? client)
    {
        foreach (var held in Targets(client))
        {
            held[personnelId] = Server[personnelId];
        }
    }

    public void SendAll(int? client, bool replace)
    {
        foreach (var held in Targets(client))
        {
            if (replace)
            {
                held.Clear();
            }

            foreach (var (id, person) in Server)
            {
                held[id] = person;
            }
        }
    }

    /// <summary>An edit on the server: the clients that hold the personnel get the new values; no other client gains
    /// it.</summary>
    public void Edit(long personnelId)
    {
        foreach (var held in Clients.Where(c => c.ContainsKey(personnelId)))
        {
            held[personnelId] = Server[personnelId];
        }
    }

    public void Delete(long personnelId, int? client)
    {
        foreach (var held in Targets(client))
        {
            held.Remove(personnelId);
        }
    }

    public void DeleteAll(int? client)
    {
        foreach (var held in Targets(client))
        {
            held.Clear();
        }
    }

    private IEnumerable<Dictionary<long, PersonnelRecord>> Targets(int? client) =>
        client is { } one ? [Clients[one]] : Clients;
}
