using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Relay.Hosting.Api;

namespace Relay.Server.Clients;

/// <summary>The filters and sort of <c>GET /clients</c> (its paging is <see cref="PageQuery"/> and <c>after</c>), bound
/// with <c>[AsParameters]</c>.</summary>
public sealed record ClientListQuery(
    [property:
        FromQuery(Name = "state"),
        Description("Only clients in this state (see the client's `state`)."),
        OneOf<ClientState>
    ]
        string? State,
    [property:
        FromQuery(Name = "name"),
        Description("Only clients whose name contains this text (case-insensitive)."),
        MaxLength(ClientRequest.MaxNameLength, ErrorMessage = "name is at most {1} characters.")
    ]
        string? Name,
    [property:
        FromQuery(Name = "sort"),
        Description(ClientSorts.Text),
        OneOf(
            ClientSorts.Id,
            ClientSorts.Name,
            ClientSorts.MostPending,
            ClientSorts.OldestPending,
            ClientSorts.MostFailed,
            ClientSorts.LongestSilent
        ),
        DefaultValue(ClientSorts.Id)
    ]
        string? Sort
);
