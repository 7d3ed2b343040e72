using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Relay.Contracts.Personnel;
using Relay.Hosting.Api;

namespace Relay.Client.Http;

/// <summary>What the client's listing answers, described when built: the daemon is compiled ahead of time (Native
/// AOT), where JSON cannot be written by reflection.</summary>
[JsonSerializable(typeof(Page<PersonnelRecord>))]
[JsonSerializable(typeof(PersonnelRecord))]
internal sealed partial class ClientJson : JsonSerializerContext;

internal static class ClientJsonSetup
{
    /// <summary>Puts <see cref="ClientJson"/> first in the HTTP API's JSON options.</summary>
    public static void AddClientJson(this IServiceCollection services) =>
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ClientJson.Default));
}
