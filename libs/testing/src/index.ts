export * from './names';
export * from './wait-for';
export * from './infrastructure';
export * from './processes';
export * from './registry';
export * from './private-kafka';
export * from './openapi';
export * from './browser';
