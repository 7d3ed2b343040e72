using System.Text.Json.Nodes;

namespace Relay.Cli.Operations;

/// <summary>The counts of one read of <c>GET /operations/{id}</c> that progress is drawn from.</summary>
internal sealed record OperationSnapshot(
    long Id,
    string Kind,
    string State,
    int Clients,
    int ClientsDone,
    int ClientsFailed,
    long Messages,
    long Delivered,
    long Failed
)
{
    public long Settled => Delivered + Failed;

    public static OperationSnapshot Of(JsonNode operation) =>
        new(
            operation["id"]!.GetValue<long>(),
            operation["kind"]!.GetValue<string>(),
            operation["state"]!.GetValue<string>(),
            operation["clients"]!["total"]!.GetValue<int>(),
            operation["clients"]!["done"]!.GetValue<int>(),
            operation["clients"]!["failed"]!.GetValue<int>(),
            operation["messages"]!["total"]!.GetValue<long>(),
            operation["messages"]!["delivered"]!.GetValue<long>(),
            operation["messages"]!["failed"]!.GetValue<long>()
        );

    public string Counts =>
        $"clients {ClientsDone}/{Clients} done, {ClientsFailed} failed; messages {Delivered:N0}/{Messages:N0} delivered";
}
