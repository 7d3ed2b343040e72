using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Relay.Hosting.Api;

namespace Relay.Server.Audit;

/// <summary>The query of <c>GET /audit</c>, bound with <c>[AsParameters]</c> and checked by the framework's
/// validation.</summary>
public sealed record AuditQuery(
    [property:
        FromQuery(Name = "limit"),
        Description(Paging.LimitText),
        Range(1, AuditQuery.MaxPerPage, ErrorMessage = Paging.LimitError),
        DefaultValue(AuditQuery.DefaultPerPage)
    ]
        int? Limit,
    [property: FromQuery(Name = "beforeId"), Description(Paging.BeforeIdText), PositiveId] long? BeforeId,
    [property:
        FromQuery(Name = "key"),
        Description("Only calls made with the key of this name."),
        StringLength(64, MinimumLength = 1, ErrorMessage = "key must be a key name of 1-64 characters.")
    ]
        string? Key,
    [property: FromQuery(Name = "from"), Description("Only calls at or after this time (ISO 8601, with an offset).")]
        DateTimeOffset? From,
    [property: FromQuery(Name = "to"), Description("Only calls before this time (ISO 8601, with an offset).")]
        DateTimeOffset? To
)
{
    public const int MaxPerPage = 500;
    public const int DefaultPerPage = 100;

    public int Take => Limit ?? DefaultPerPage;
}
