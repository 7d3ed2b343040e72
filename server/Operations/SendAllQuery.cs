using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Relay.Server.Http;

namespace Relay.Server.Operations;

/// <summary>The query of "send all personnel" (to one client or all), bound with <c>[AsParameters]</c>.</summary>
public sealed record SendAllQuery(
    [property:
        FromQuery(Name = "replace"),
        Description("true: each client ends up holding exactly the server's personnel (the others are removed).")
    ]
        bool? Replace,
    [property:
        FromQuery(Name = "sync"),
        Description("true: like replace, but only the rows that differ are sent (the client is compared first).")
    ]
        bool? Sync,
    [property: FromQuery(Name = "wait"), Description(WaitSecondsAttribute.Text), WaitSeconds, DefaultValue(0)]
        int? Wait,
    [property: FromQuery(Name = "dryRun"), Description(OperationsEndpoints.DryRunText), DefaultValue(false)]
        bool? DryRun
);
