using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Relay.Hosting.Api;

namespace Relay.Server.Clients;

/// <summary>The filters and sort of <c>GET /clients</c> (its paging is <see cref="PageQuery"/> and <c>after</c>), bound
/// with <c>[AsParameters]</c>. Properties, not a positional record: the request delegate generator cannot bind
/// constructor parameters of a nullable reference type.</summary>
public sealed class ClientListQuery
{
    [FromQuery(Name = "state")]
    [Description("Only clients in this state (see the client's `state`).")]
    [OneOf<ClientState>]
    public string? State { get; init; }

    [FromQuery(Name = "name")]
    [Description("Only clients whose name contains this text (case-insensitive).")]
    [MaxLength(ClientRequest.MaxNameLength, ErrorMessage = "name is at most {1} characters.")]
    public string? Name { get; init; }

    [FromQuery(Name = "sort")]
    [Description(ClientSorts.Text)]
    [OneOf(
        ClientSorts.Id,
        ClientSorts.Name,
        ClientSorts.MostPending,
        ClientSorts.OldestPending,
        ClientSorts.MostFailed,
        ClientSorts.LongestSilent
    )]
    [DefaultValue(ClientSorts.Id)]
    public string? Sort { get; init; }
}
