using Ainur.Protocol.Agents;

// Protocol carries only serialization attributes; its serializers are generated here, next to the grain contracts.
[assembly: GenerateCodeForDeclaringAssembly(typeof(AgentManifest))]
