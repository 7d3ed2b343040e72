using System.Text.Json;
using System.Text.Json.Serialization;
using Relay.Contracts.Personnel;

namespace Relay.Contracts.Protocol;

/// <summary>Source-generated JSON metadata for everything that crosses the wire or is stored as a payload.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(Frame))]
[JsonSerializable(typeof(MessageBody))]
[JsonSerializable(typeof(MessageKind))]
[JsonSerializable(typeof(PersonnelRecord))]
public sealed partial class RelayJsonContext : JsonSerializerContext;
