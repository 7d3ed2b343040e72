using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Relay.Hosting.Api;

namespace Relay.Server.Audit;

/// <summary>The query of <c>GET /audit</c>, bound with <c>[AsParameters]</c> and checked by the framework's
/// validation. Properties, not a positional record: the request delegate generator cannot bind constructor parameters
/// of a nullable reference type (it emits <c>typeof(string?)</c>).</summary>
public sealed class AuditQuery
{
    public const int MaxPerPage = 500;
    public const int DefaultPerPage = 100;

    [FromQuery(Name = "limit")]
    [Description(Paging.LimitText)]
    [Range(1, MaxPerPage, ErrorMessage = Paging.LimitError)]
    [DefaultValue(DefaultPerPage)]
    public int? Limit { get; init; }

    [FromQuery(Name = "beforeId")]
    [Description(Paging.BeforeIdText)]
    [PositiveId]
    public long? BeforeId { get; init; }

    [FromQuery(Name = "key")]
    [Description("Only calls made with the key of this name.")]
    [StringLength(64, MinimumLength = 1, ErrorMessage = "key must be a key name of 1-64 characters.")]
    public string? Key { get; init; }

    [FromQuery(Name = "from")]
    [Description("Only calls at or after this time (ISO 8601, with an offset).")]
    public DateTimeOffset? From { get; init; }

    [FromQuery(Name = "to")]
    [Description("Only calls before this time (ISO 8601, with an offset).")]
    public DateTimeOffset? To { get; init; }

    public int Take => Limit ?? DefaultPerPage;
}
